"""The only code that writes files: temp file beside the target, fsync, atomic replace, under a lock.

A reader never sees a half-written file: either the old version or the new one. A crash leaves at most a
stray temp file (`.name.*.tmp`) beside the target, never a damaged target.
"""
from __future__ import annotations

import contextlib
import errno
import os
import shutil
import stat
import tempfile
from pathlib import Path

LOCK_TIMEOUT_SECONDS = 60
# EFBIG: a file-size limit (a quota, a FAT32 disk, ulimit -f) stops the write just as a full disk does
DISK_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EFBIG, errno.EDQUOT})


class DiskFull(OSError):
    """No space left (or a size limit reached) while writing; `filename` is the file that could not be written."""


class NameTooLong(OSError):
    """A file name longer than the file system allows; `filename` is that file."""


class UnsafeTarget(OSError):
    """Something other than a plain file or folder (a link, say) stands where a file is to be written."""


def classify_write_error(exc: OSError, path: str | os.PathLike) -> OSError:
    """`exc` as DiskFull or NameTooLong when its errno says so, naming `path`; any other error unchanged."""
    if exc.errno in DISK_FULL_ERRNOS:
        return DiskFull(exc.errno, exc.strerror, str(path))
    if exc.errno == errno.ENAMETOOLONG:
        return NameTooLong(exc.errno, exc.strerror, str(path))
    return exc


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
    names with a sub-folder such as `digests/x.txt` are allowed when every part is plain. A link in `out_dir` is
    never written through (UnsafeTarget); a full disk is DiskFull, an over-long name NameTooLong.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for name in files:
        _check_name(out, name)
    try:
        staging = Path(tempfile.mkdtemp(dir=out, prefix=".staging-"))
    except OSError as exc:
        raise classify_write_error(exc, out) from exc
    try:
        for name, data in files.items():
            path = staging / name
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                with open(path, "wb") as handle:
                    handle.write(data)
                    handle.flush()
                    os.fsync(handle.fileno())
            except OSError as exc:  # named as the user will look for it, not by its staging path
                raise classify_write_error(exc, out / name) from exc
            os.chmod(path, 0o644)
        for name in files:  # every folder before the first rename: a full disk then stops before any file moves
            try:
                (out / name).parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise classify_write_error(exc, (out / name).parent) from exc
        written = []
        for name in files:
            final = out / name
            try:
                os.replace(staging / name, final)  # rename(2) replaces a link itself, never its target
            except OSError as exc:
                raise classify_write_error(exc, final) from exc
            written.append(final)
        _fsync_dir(out)
        return written
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _check_name(out: Path, name: str) -> None:
    parts = Path(name).parts
    if not parts or any(p in ("", ".", "..") or p.startswith("/") for p in parts) or Path(name).is_absolute():
        raise ValueError(f"unsafe output file name: {name!r}")
    # Checked before anything is written, so that a refusal leaves the previous set whole. A link is refused
    # rather than replaced: someone put it there, on purpose (replacing it would break their setup) or as a trap
    # (following it would write outside the folder), and a linked sub-folder could not be replaced atomically.
    path = out
    for index, part in enumerate(parts):
        path = path / part
        try:
            info = os.lstat(path)
        except FileNotFoundError:
            break
        except OSError as exc:
            raise classify_write_error(exc, path) from exc
        last = index == len(parts) - 1
        if stat.S_ISLNK(info.st_mode):
            raise UnsafeTarget(errno.ELOOP, f"{path} is a link to {os.readlink(path)}, and monitor never writes "
                                            "through a link", str(path))
        if last and stat.S_ISDIR(info.st_mode):
            raise UnsafeTarget(errno.EISDIR, f"{path} is a folder where a file is to be written", str(path))
        if not (stat.S_ISREG(info.st_mode) if last else stat.S_ISDIR(info.st_mode)):
            raise UnsafeTarget(errno.EEXIST, f"{path} is not a plain {'file' if last else 'folder'}", str(path))
    if not (out / name).resolve().is_relative_to(out.resolve()):
        raise ValueError(f"output file name leaves the output folder: {name!r}")


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
